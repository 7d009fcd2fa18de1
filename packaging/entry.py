"""The bundle's entry point (PyInstaller): the `livecaption` command, and `-c CODE` for the app's own
child processes (a model download runs as `sys.executable -c ...`, and in a bundle that is this program)."""

import sys

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "-c":
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
        raise SystemExit(0)
    from livecaption.cli import main

    raise SystemExit(main())
