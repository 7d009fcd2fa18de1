"""Who is speaking: voices embedded (encoder.py, track.py), told apart (clusters.py), labelled (labeller.py)."""
