import phonenumbers
from django import forms
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NOTE_MAX_LENGTH = 500


def normalize_mainland_mobile(value):
    """``value`` as an 11-digit mainland mobile number, or a ValidationError.

    Landlines, numbers of other countries and regions, and anything that is not a number are
    refused; ``+86`` and spaces or dashes are accepted.
    """
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as error:
        raise forms.ValidationError(
            _("Enter a mainland China mobile number, e.g. 138 0013 8000."), code="invalid"
        ) from error
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Enter a mainland China mobile number, e.g. 138 0013 8000."), code="invalid"
        )
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise forms.ValidationError(
            _("This is not a mobile number. Please give a mobile number we can text."),
            code="not_mobile",
        )
    return str(number.national_number)


class BookingForm(forms.Form):
    """The group visit booking form. Field names are part of the public interface."""

    organization_name = forms.CharField(label=_("Organization"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("A mainland China mobile number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=254,
        help_text=_("We send the booking confirmation here."),
    )
    group_size = forms.IntegerField(label=_("Number of people"))
    slot = forms.ChoiceField(label=pgettext_lazy("booking", "Time"), widget=forms.RadioSelect)
    needs_guide = forms.BooleanField(label=_("We would like a guide"), required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that these details are used to "
            "handle this visit."
        ),
        error_messages={"required": _("Please agree to the privacy notice to book.")},
    )
    # Left empty by people; bots that fill every field are turned away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, slot_options, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        sizes = {"min": self.rules.min_group_size, "max": self.rules.max_group_size}
        self.fields["group_size"].help_text = _("From %(min)d to %(max)d people.") % sizes
        self.fields["group_size"].widget.attrs.update(sizes)
        self.slot_options = [option for option in slot_options if option.places_left > 0]
        self.fields["slot"].choices = [
            (option.key, lazy_slot_label(option)) for option in self.slot_options
        ]
        self.fields["slot"].error_messages["invalid_choice"] = _(
            "This time cannot be booked. Please choose another."
        )

    def clean_group_size(self):
        size = self.cleaned_data["group_size"]
        if not self.rules.min_group_size <= size <= self.rules.max_group_size:
            raise forms.ValidationError(
                _("Groups of %(min)d to %(max)d people can book.")
                % {"min": self.rules.min_group_size, "max": self.rules.max_group_size},
                code="group_size",
            )
        return size

    def clean_contact_phone(self):
        return normalize_mainland_mobile(self.cleaned_data["contact_phone"])

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def clean(self):
        cleaned = super().clean()
        key, size = cleaned.get("slot"), cleaned.get("group_size")
        option = next((o for o in self.slot_options if o.key == key), None)
        if option and size and size > option.places_left:
            self.add_error(
                "group_size",
                _("Only %(left)d places are left at this time.") % {"left": option.places_left},
            )
        return cleaned


def slot_label(option):
    return _("%(date)s %(weekday)s %(start)s–%(end)s (%(left)d places left)") % {
        "date": formats.date_format(option.date, "MONTH_DAY_FORMAT"),
        "weekday": formats.date_format(option.date, "l"),
        "start": option.start_time.strftime("%H:%M"),
        "end": option.end_time.strftime("%H:%M"),
        "left": option.places_left,
    }


# Formatted only when shown (the booking page draws its own radio buttons): formatting the
# dates of every open time took a third of a booking POST.
lazy_slot_label = lazy(slot_label, str)


class CheckInForm(forms.Form):
    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=8,
        min_length=8,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone_last_four = forms.RegexField(
        label=_("Last four digits of the contact's mobile number"),
        regex=r"^[0-9]{4}$",
        strip=True,  # RegexField keeps spaces otherwise; a phone keyboard may add one
        error_messages={"invalid": _("Enter four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
