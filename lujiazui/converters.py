"""URL converter for slugs that may be Chinese (SlugField(allow_unicode=True))."""


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
