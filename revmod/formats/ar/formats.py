# Django's Arabic formats have no DATETIME_FORMAT, and its default ("N j, Y, P") put the month
# first, unlike the Arabic DATE_FORMAT: the moment is the date, then the time.
DATETIME_FORMAT = "j F، Y، g:i A"
