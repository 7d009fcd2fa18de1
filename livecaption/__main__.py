from livecaption.cli import main

raise SystemExit(main())
