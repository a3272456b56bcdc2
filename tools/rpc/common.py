"""Shared constants and the loopback guard."""
import ipaddress

EPM_UUID = ("e1af8308-5d1f-11c9-91a4-08002b14a0fa", "3.0")
MTA_UUID = ("9e8ee830-4459-11ce-979b-00aa005ffebe", "2.0")        # Exchange MTA
QADMIN_UUID = ("38a94e72-a9bc-11d2-8faf-00c04fa378ff", "1.0")     # MTA QAdmin
# Any non-Exchange interface: a random UUID unknown to Wireshark (note:
# 12345678-1234-abcd-ef00-0123456789ab would be SPOOLSS, decoded by stock).
GENERIC_UUID = ("6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00", "1.0")
NDR_SYNTAX = ("8a885d04-1ceb-11c9-9fe8-08002b104860", "2.0")
NDR64_SYNTAX = ("71710533-beba-4937-8319-b5dbef9ccc36", "1.0")
# DCOM activation interfaces that also listen on TCP 135 and have an opnum 3
# (RemoteGetClassObject, ServerAlive): never an endpoint-mapper lookup.
SCM_ACTIVATOR_UUID = ("000001a0-0000-0000-c000-000000000046", "0.0")   # IRemoteSCMActivator / ISystemActivator
OBJECT_EXPORTER_UUID = ("99fcfec4-5260-101b-bbcb-00aa0021347a", "0.0")  # IObjectExporter
REGDB_E_CLASSNOTREG = 0x80040154

EPT_S_NOT_REGISTERED = 0x16c9a0d6

SOCK_TIMEOUT = 5.0          # every socket operation
SERVER_MAX_LIFETIME = 90.0  # servers stop by themselves after this


def check_loopback(addr):
    """Refuse anything outside 127.0.0.0/8 (0.0.0.0 allowed only as tower data)."""
    if ipaddress.ip_address(addr) not in ipaddress.ip_network("127.0.0.0/8"):
        raise ValueError("refusing non-loopback address %r" % (addr,))
    return addr
