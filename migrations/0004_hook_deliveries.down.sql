DROP TABLE hook_deliveries;
DROP FUNCTION hook_deliveries_notify();
