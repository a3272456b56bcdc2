"""Loopback-only DCE/RPC helpers (impacket based) used by tools/gen_rpc_pcaps.py.

Everything here binds/connects to 127.0.0.0/8 addresses only; see servers.py
and client.py.  Requires Debian's python3-impacket (run with /usr/bin/python3).
"""
