package textsafe

// CSVCell neutralises a text cell for a spreadsheet, as OWASP advises
// against CSV injection: a cell starting with =, +, -, @, a tab or a
// carriage return is a formula (or becomes one) when the file is opened, so
// it gets a leading single quote, which spreadsheets show as text.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
