import { type ManagedPrefixList, paginateDescribeManagedPrefixLists, paginateGetManagedPrefixListEntries, type PrefixListEntry } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, FollowUps, mapLimit, nameOf, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export interface PrefixListRead {
  list: ManagedPrefixList;
  /** Undefined when the entries could not be read. */
  entries?: PrefixListEntry[] | undefined;
}

/** The most CIDRs a prefix list carries in its attributes (the contract's list limit). */
const MAX_CIDRS = 256;

/**
 * Managed prefix lists (the customer's and AWS's, e.g. com.amazonaws.<region>.s3) with their
 * CIDRs, so that a security-group rule or a route naming `pl-…` resolves to addresses.
 */
export const prefixLists: AwsFamily<PrefixListRead> = {
  name: "prefix-lists",
  action: "DescribeManagedPrefixLists",
  alsoCalls: ["GetManagedPrefixListEntries"],
  kinds: ["prefix_list"],
  async get(client) {
    const lists = await collect(paginateDescribeManagedPrefixLists({ client, pageSize: 100 }, {}), (p) => p.PrefixLists);
    const follow = new FollowUps();
    const reads = await mapLimit(
      lists.filter((l) => l.PrefixListId && !String(l.State ?? "").startsWith("delete")),
      4,
      async (list): Promise<PrefixListRead> => ({
        list,
        entries: await follow.read(`GetManagedPrefixListEntries ${list.PrefixListId}`, () =>
          collect(paginateGetManagedPrefixListEntries({ client, pageSize: 100 }, { PrefixListId: list.PrefixListId! }), (p) => p.Entries),
        ),
      }),
    );
    return follow.finish(reads);
  },
  ownerIds: (items) => uniq(items.map((r) => r.list.OwnerId)).filter((id) => /^\d{12}$/.test(id)),
  transform(items, ctx) {
    const out = empty();
    for (const { list: l, entries } of items) {
      if (!l.PrefixListId) continue;
      const awsManaged = !/^\d{12}$/.test(l.OwnerId ?? ctx.account);
      const account = awsManaged ? ctx.account : (l.OwnerId ?? ctx.account);
      const tags = tagMap(l.Tags);
      const cidrs = uniq((entries ?? []).map((e) => e.Cidr));
      out.resources.push(
        resource({
          uid: l.PrefixListArn ?? ec2Arn({ ...ctx, account }, "prefix-list", l.PrefixListId),
          account,
          region: ctx.region,
          kind: "prefix_list",
          name: nameOf(tags, l.PrefixListName ?? l.PrefixListId),
          tags,
          attributes: {
            prefixListId: l.PrefixListId,
            prefixListName: (l.PrefixListName ?? "").slice(0, 1024),
            addressFamily: l.AddressFamily ?? null,
            owner: l.OwnerId ?? null,
            awsManaged,
            maxEntries: l.MaxEntries ?? null,
            version: l.Version ?? null,
            // Without entries the list resolves to nothing; `entriesRead` says it is unknown, not empty.
            entriesRead: entries !== undefined,
            cidrs: cidrs.slice(0, MAX_CIDRS),
            cidrsTruncated: cidrs.length > MAX_CIDRS,
          },
        }),
      );
    }
    return out;
  },
};
