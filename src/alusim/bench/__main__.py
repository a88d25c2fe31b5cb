"""``python -m alusim.bench [--paths N] [--json]``: run the engine benchmark."""

from alusim.bench.harness import main

raise SystemExit(main())
