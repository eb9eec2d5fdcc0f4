package db

import "testing"

func TestWithLibpqDefaults(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	cases := map[string]string{
		"postgres://u@h:5/d":                  "postgres://u@h:5/d?sslmode=prefer",
		"postgres://u@h/d?sslmode=disable":    "postgres://u@h/d?sslmode=disable",
		"postgresql://h/d?application_name=x": "postgresql://h/d?application_name=x&sslmode=prefer",
		"host=h dbname=d":                     "host=h dbname=d sslmode=prefer",
		"host=h sslmode=require":              "host=h sslmode=require",
		"":                                    "sslmode=prefer",
	}
	for in, want := range cases {
		if got := WithLibpqDefaults(in); got != want {
			t.Errorf("WithLibpqDefaults(%q) = %q, want %q", in, got, want)
		}
	}
	t.Setenv("PGSSLMODE", "require")
	if got := WithLibpqDefaults("postgres://h/d"); got != "postgres://h/d" {
		t.Errorf("PGSSLMODE set: got %q", got)
	}
}
