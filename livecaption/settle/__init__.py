"""The settle pass: the session's audio read again as an offline pass reads it, a few tens of
seconds behind the live captions, whose text it replaces wherever a transcript is kept."""
