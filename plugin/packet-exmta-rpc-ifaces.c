/* packet-exmta-rpc-ifaces.c - the Exchange MTA's two RPC interfaces as
 * DCE/RPC sub-dissectors, so stock names them in sessions it decodes:
 * "Exchange MTA RPC" (exmta_mta_rpc) and "Exchange MTA QAdmin RPC"
 * (exmta_qadmin_rpc). Their operations are not public, so each has an empty
 * procedure table and stock shows "Unknown operation N" with the interface
 * named. The UUIDs are the core's (core/endpoints.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "packet-exmta-rpc-ifaces.h"
#include "exmta-frame.h"
#include "endpoints.h"

#include <epan/dissectors/packet-dcerpc.h>

static int proto_mta_rpc = -1;
static int proto_qadmin_rpc = -1;
static int hf_mta_opnum = -1;
static int hf_qadmin_opnum = -1;
static gint ett_mta_rpc = EXMTA_ETT_INIT;
static gint ett_qadmin_rpc = EXMTA_ETT_INIT;

static EXMTA_DCERPC_PROCS_CONST dcerpc_sub_dissector mta_procs[] = {
    { 0, NULL, NULL, NULL },
};
static EXMTA_DCERPC_PROCS_CONST dcerpc_sub_dissector qadmin_procs[] = {
    { 0, NULL, NULL, NULL },
};

void
exmta_rpc_ifaces_register(void)
{
    static hf_register_info hf_mta[] = {
        { &hf_mta_opnum,
          { "Operation", "exmta_mta_rpc.opnum", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    static hf_register_info hf_qadmin[] = {
        { &hf_qadmin_opnum,
          { "Operation", "exmta_qadmin_rpc.opnum", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_mta_rpc, &ett_qadmin_rpc };

    proto_register_subtree_array(ett, array_length(ett));
    proto_mta_rpc = proto_register_protocol("Exchange MTA RPC", "MTA", "exmta_mta_rpc");
    proto_register_field_array(proto_mta_rpc, hf_mta, array_length(hf_mta));
    proto_qadmin_rpc = proto_register_protocol("Exchange MTA QAdmin RPC", "MTA QAdmin", "exmta_qadmin_rpc");
    proto_register_field_array(proto_qadmin_rpc, hf_qadmin, array_length(hf_qadmin));
}

void
exmta_rpc_ifaces_handoff(void)
{
    e_guid_t g;

    exmta_guid_of(&exmta_uuid_mta_rpc, &g);
    dcerpc_init_uuid(proto_mta_rpc, ett_mta_rpc, &g, EXMTA_MTA_RPC_VERSION, mta_procs, hf_mta_opnum);
    exmta_guid_of(&exmta_uuid_qadmin_rpc, &g);
    dcerpc_init_uuid(proto_qadmin_rpc, ett_qadmin_rpc, &g, EXMTA_QADMIN_RPC_VERSION, qadmin_procs, hf_qadmin_opnum);
}
