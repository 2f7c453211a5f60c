"""Project git: status, log, commit, push/pull/fetch, remotes, branches, tags, diff and resets, run with real git."""
