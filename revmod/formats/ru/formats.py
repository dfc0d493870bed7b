# Django's Russian DATE_FORMAT ends with "г.", which doubled the full stop of every sentence
# ending with a date ("... 2 октября 2024 г.."): the year without it, as often written.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
