"""Major hazard sources (重大危险源): the GB 18218 engine (pure, in ``gb18218``) and, around it,
the registry of enterprises' units, their chemicals and their assessments."""
