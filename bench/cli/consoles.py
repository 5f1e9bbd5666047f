"""The CLI's two consoles: results on stdout, one-line errors on stderr.

`soft_wrap`: piped output keeps whole lines (paths, commands) greppable — rich would wrap
them at the terminal width. `emoji=False`: a workload such as `fanout:100:noop` must not
print as "fanout💯noop".
"""

from rich.console import Console

console = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)
