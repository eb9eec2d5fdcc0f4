-- The glossary's nouns for restore counts (glossary/numbers.go): a
-- snapshot's rows are one per merchant, so a bulk change reads "3,001
-- merchants' restore counts", not "3,001 restore counts" for a file of two.
-- +goose Up
INSERT INTO warroom_words (kind, value, word) VALUES
    ('table', 'restore_counts', 'merchant''s restore counts'),
    ('tables', 'restore_counts', 'merchants'' restore counts');

-- +goose Down
DELETE FROM warroom_words WHERE value = 'restore_counts' AND kind IN ('table', 'tables');
