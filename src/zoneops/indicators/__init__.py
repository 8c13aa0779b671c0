"""Zone indicators: growth-claim checks, air quality indices, and (later) the catalogue of
economic figures. `claims`, `aqi` and `airdays` are pure cores: they import nothing from Django."""
