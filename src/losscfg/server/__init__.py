"""The language server (SPEC §14): `editor` answers from losscfg's own engine, `protocol`
speaks LSP with pygls (the only module that imports it, and only for `losscfg server`), on the
messages `framing` has checked."""
