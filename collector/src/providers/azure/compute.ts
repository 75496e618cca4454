import type { VirtualMachine } from "@azure/arm-compute";
import { drain, empty, uniq } from "../shared.js";
import { type AzureFamily, armUid, azureResource, base } from "./types.js";

export const virtualMachines: AzureFamily<VirtualMachine> = {
  name: "virtual-machines",
  permissions: ["Microsoft.Compute/virtualMachines/read"],
  kinds: ["instance"],
  get: (c) => drain(c.compute.virtualMachines.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const vm of items) {
      if (!vm.id) continue;
      const b = base({ ...vm, id: vm.id }, ctx);
      // Network facts come from the VM's NICs in the link step.
      out.resources.push(
        azureResource({
          ...b,
          kind: "instance",
          attributes: {
            vmSize: vm.hardwareProfile?.vmSize ?? null,
            instanceType: vm.hardwareProfile?.vmSize ?? null,
            osType: vm.storageProfile?.osDisk?.osType ?? null,
            provisioningState: vm.provisioningState ?? null,
            identity: vm.identity?.type ?? null,
            networkInterfaces: uniq((vm.networkProfile?.networkInterfaces ?? []).map((n) => armUid(n.id))),
          },
        }),
      );
    }
    return out;
  },
};
