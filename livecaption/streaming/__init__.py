"""From audio to chunks to captions: VAD, segmenter, scheduler and the engine's threads."""
