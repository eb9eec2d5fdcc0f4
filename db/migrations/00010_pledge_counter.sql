-- A pledge change moves the fund's pledged total in one step. Taking the
-- old pledge off and adding the new one in two UPDATEs checked the fund in
-- between: cutting a pledge by more than the fund's unused room failed
-- fund_not_overdrawn even when the new total still covered everything.
-- And the trigger fired only on pledged_fen, so a contributor moved to
-- another incident left its pledge behind.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_pledge_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.incident_id = NEW.incident_id THEN
        UPDATE funds SET pledged_fen = pledged_fen - OLD.pledged_fen + NEW.pledged_fen
        WHERE incident_id = NEW.incident_id;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE funds SET pledged_fen = pledged_fen - OLD.pledged_fen WHERE incident_id = OLD.incident_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE funds SET pledged_fen = pledged_fen + NEW.pledged_fen WHERE incident_id = NEW.incident_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Moving a contributor to another incident moves its pledge too.
DROP TRIGGER pledge_counter ON contributors;
CREATE TRIGGER pledge_counter AFTER INSERT OR UPDATE OF pledged_fen, incident_id OR DELETE ON contributors
    FOR EACH ROW EXECUTE FUNCTION warroom_pledge_counter();

-- +goose Down
SELECT 1; -- 00003's version comes back with its own Up; no data to undo
