import type { CloudTasksClient } from '@google-cloud/tasks';

/** The part of a protobufjs message type this touches. */
interface MessageType {
  fieldsArray?: { resolvedType?: unknown }[];
  resolveAll?(): unknown;
  setup?(): unknown;
}

/** The messages a CreateTask sends and receives: what defer() encodes and decodes. */
const TASK_MESSAGES = ['google.cloud.tasks.v2.CreateTaskRequest', 'google.cloud.tasks.v2.Task'];

/**
 * Generates the converters (fromObject, toObject, ...) of the messages a CreateTask carries, and
 * of every message they hold, for `client`'s protos. protobufjs generates a type's converters on
 * its first use: left alone, that is the first defer(), whose request pays for it. This compiles
 * code and nothing more: no message is encoded and nothing is sent, so it belongs with building
 * the client at start (registerDeferred). Reached through the client's own `_protos`, the root
 * its stub looks its types up in; a client without it is left as it is.
 */
export function compileTaskMessages(client: CloudTasksClient): void {
  const protos = (client as unknown as { _protos?: { lookupType?(name: string): MessageType } })._protos;
  if (typeof protos?.lookupType !== 'function') return;
  const compiled = new Set<MessageType>();
  const compile = (type: MessageType | undefined) => {
    // Enums have no converters of their own; a type met again is done (messages can nest themselves).
    if (!type || compiled.has(type) || typeof type.setup !== 'function') return;
    compiled.add(type);
    type.resolveAll?.();
    for (const field of type.fieldsArray ?? []) compile(field.resolvedType as MessageType | undefined);
    type.setup();
  };
  for (const name of TASK_MESSAGES) compile(protos.lookupType(name));
}
