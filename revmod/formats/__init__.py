"""How pages, e-mails and documents write dates and times, where Django's own formats of a
language differ from what the site wants (settings.FORMAT_MODULE_PATH; Django's formats fill
in the rest). Every template writes a date with DATE_FORMAT and a moment with DATETIME_FORMAT,
never the SHORT_ formats: one way of writing a date per language (05/22/2017 beside
Oct. 2, 2002 read as two conventions). A date never ends with a full stop of its own, so the
sentences that end with one ("... due on {{ due }}.") end once."""
