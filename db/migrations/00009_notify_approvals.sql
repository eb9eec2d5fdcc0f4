-- The approvals queue is pushed to consoles like everything else, instead
-- of each console polling it.

-- +goose Up
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE ON approvals
    FOR EACH ROW EXECUTE FUNCTION warroom_notify_row();

-- +goose Down
DROP TRIGGER notify_change ON approvals;
