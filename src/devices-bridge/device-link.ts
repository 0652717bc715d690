import type { DeviceCommand } from '../realtime/protocol.ts';

/**
 * How the hub's logic reaches a device that runs elsewhere: on an agent, as a durable command with an
 * id (src/agents/agent-commands.ts). A device in the hub's own process is run by the same host module
 * directly; this is the only part that differs.
 */
export interface DeviceLink {
  send(device: string, command: DeviceCommand): void;
}

/** The link to a device this process hosts: the command runs now; a failure shows in the device's status. */
export function inProcessLink(device: { readonly id: string; run(command: DeviceCommand): Promise<boolean> }): DeviceLink {
  return {
    send(id, command) {
      if (id === device.id) void device.run(command).catch(() => undefined);
    },
  };
}
