"""Errors meant for the user: one readable line, never a traceback."""


class LivecaptionError(Exception):
    """A problem the user can fix (bad input, missing device, missing model...).

    The message is shown as-is: one line that says what went wrong and what to do.
    """
