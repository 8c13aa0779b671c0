"""The wastewater chain 源—网—厂—口—河: points from the enterprise's discharge into the sewer to
the river sections, their hourly loads and the balance between them. ``balance/`` is the pure
engine (NumPy, no Django); the app around it will hold the chain's records and alerts."""
