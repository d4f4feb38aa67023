"""Your data is yours: the export of everything an account holds, and deleting the account."""
