"""English translations beside the original captions (--task both)."""
