# Django writes "01月5日"; months are not zero-padded in Chinese dates.
MONTH_DAY_FORMAT = "n月j日"
