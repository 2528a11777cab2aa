"""Staff roles as Django groups, kept in step with this file after every ``migrate``.

内容编辑 write events, lessons, people and organizations but cannot publish; 发布审核 do all
that, publish, and edit the site settings (filing numbers, contact details); 路线预约管理
run the red route: stops, opening rules, bookings, check-ins, contact details and exports.
A permission removed here is removed from the group too.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITOR = "内容编辑"
PUBLISHER = "发布审核"
ROUTE_MANAGER = "路线预约管理"

CONTENT = ["events.event", "events.lesson", "speakers.speaker", "speakers.organization"]
CONTENT_PARTS = [
    "events.section",
    "events.speech",
    "events.attendance",
    "events.photo",
    "speakers.position",
]
ROUTE_MODELS = [
    "routes.route",
    "routes.stop",
    "routes.openingrule",
    "routes.closure",
    "routes.slot",
    "routes.booking",
    "routes.checkin",
    "routes.bookingsettings",
]


def model_permissions(models, actions):
    return [
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in actions
    ]


EDITOR_PERMISSIONS = model_permissions(CONTENT, ["add", "change", "view"]) + model_permissions(
    CONTENT_PARTS, ["add", "change", "delete", "view"]
)
ROLES = {
    EDITOR: EDITOR_PERMISSIONS,
    PUBLISHER: EDITOR_PERMISSIONS
    + [
        "lujiazui.view_sitesettings",
        "lujiazui.change_sitesettings",
        "events.publish_event",
        "events.publish_lesson",
        "events.delete_event",
        "events.delete_lesson",
    ],
    ROUTE_MANAGER: model_permissions(ROUTE_MODELS, ["add", "change", "delete", "view"])
    + ["routes.view_contact_details", "speakers.view_organization"],
}


def ensure_roles():
    """Create or update the groups so that each has exactly its permissions."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)  # on a new database they may not exist yet
    for name, codes in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = set()
        for code in codes:
            app_label, codename = code.split(".")
            wanted.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def on_post_migrate(sender, **kwargs):
    ensure_roles()
