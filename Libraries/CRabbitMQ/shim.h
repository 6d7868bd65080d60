#ifndef ORCHESTRATOR_CRABBITMQ_SHIM_H
#define ORCHESTRATOR_CRABBITMQ_SHIM_H

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>

/// `amqp_login_with_properties` is variadic, which Swift cannot call; this fixes its arguments
/// for SASL PLAIN. The client announces `consumer_cancel_notify`, so the broker tells a consumer
/// whose queue went away (deleted, or lost with its node) instead of leaving it waiting in
/// silence; librabbitmq-c merges its own capabilities with this one.
static inline amqp_rpc_reply_t orch_amqp_login_plain(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max,
    int heartbeat, const char *user, const char *password) {
    amqp_table_entry_t capability;
    capability.key = amqp_cstring_bytes("consumer_cancel_notify");
    capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability.value.value.boolean = 1;
    amqp_table_entry_t property;
    property.key = amqp_cstring_bytes("capabilities");
    property.value.kind = AMQP_FIELD_KIND_TABLE;
    property.value.value.table.num_entries = 1;
    property.value.value.table.entries = &capability;
    amqp_table_t properties;
    properties.num_entries = 1;
    properties.entries = &property;
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, &properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

#endif
