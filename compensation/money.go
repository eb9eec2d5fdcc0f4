package compensation

import "warroom/glossary"

// FormatFen renders fen as yuan with thousands separators: 1500000000 ->
// "15,000,000.00" (glossary.Money, the one money formatter people read).
func FormatFen(fen int64) string { return glossary.Money(fen) }
