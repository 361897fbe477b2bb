DROP TABLE forecasts;
DROP TABLE forecast_runs;
