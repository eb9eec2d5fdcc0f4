package access

import "testing"

// An approved pledge change names the contributor when the request's
// subject is known, and falls back to its id when it is not.
func TestOutcomeNamesTheContributor(t *testing.T) {
	payload := []byte(`{"contributor_id": 8, "pledged_fen": 100000}`)
	if got, want := Outcome(OpContribution, payload, nil, "Acme Pay"), "pledge of Acme Pay set to 1,000.00"; got != want {
		t.Errorf("with its subject: %q, want %q", got, want)
	}
	if got, want := Outcome(OpContribution, payload, nil, ""), "pledge of contributor 8 set to 1,000.00"; got != want {
		t.Errorf("without: %q, want %q", got, want)
	}
}
