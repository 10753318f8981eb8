"""The custody ledger (监管链日志): an append-only, provable record of everything that happens
to a recording (R-11, R-16, R-18), hashed into an RFC 6962 Merkle tree with signed heads."""
