"""Working with suppliers: which answers to ask each one for and what they could change
(`solicit`), reading their returned answers into a certificates workbook (`collect`), and the
vehicle's own certification of origin (`certify`)."""
