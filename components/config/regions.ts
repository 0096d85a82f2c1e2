/**
 * The clouds' region lists, as tables with their sources and dates, instead of patterns: a
 * pattern accepted `eu-west-9` (no such AWS region) and could reject a real region the day a
 * cloud names one differently. The config edge refuses an unknown region with the nearest valid
 * names; the constraint catalogue checks every provider's region against the same tables.
 *
 * Refresh: when a cloud opens a region, add its row with the source's date (a test checks the
 * AWS rows against the provider SDK's own region enum, so a new @pulumi/aws with a new region
 * fails until the row is added).
 */
import type { Cloud } from "./schema";

export interface AwsRegion {
    readonly name: string;
    readonly description: string;
    /** `aws` (commercial), `aws-cn`, `aws-us-gov`, `aws-eusc`: ARNs and accounts are per partition. */
    readonly partition: "aws" | "aws-cn" | "aws-us-gov" | "aws-eusc";
}

/**
 * AWS regions. Sources: the AWS Regions page
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html) and the
 * endpoint model the AWS SDKs ship (botocore `botocore/data/endpoints.json`, commit 0e6e2404b of
 * 2026-08-07, partitions aws / aws-cn / aws-us-gov / aws-eusc). The air-gapped ISO partitions
 * (us-iso-*, us-isob-*, eu-isoe-*, us-isof-*) are left out: this platform cannot run there
 * (no public package mirrors, different service set).
 */
export const AWS_REGIONS: readonly AwsRegion[] = [
    { name: "af-south-1", description: "Africa (Cape Town)", partition: "aws" },
    { name: "ap-east-1", description: "Asia Pacific (Hong Kong)", partition: "aws" },
    { name: "ap-east-2", description: "Asia Pacific (Taipei)", partition: "aws" },
    { name: "ap-northeast-1", description: "Asia Pacific (Tokyo)", partition: "aws" },
    { name: "ap-northeast-2", description: "Asia Pacific (Seoul)", partition: "aws" },
    { name: "ap-northeast-3", description: "Asia Pacific (Osaka)", partition: "aws" },
    { name: "ap-south-1", description: "Asia Pacific (Mumbai)", partition: "aws" },
    { name: "ap-south-2", description: "Asia Pacific (Hyderabad)", partition: "aws" },
    { name: "ap-southeast-1", description: "Asia Pacific (Singapore)", partition: "aws" },
    { name: "ap-southeast-2", description: "Asia Pacific (Sydney)", partition: "aws" },
    { name: "ap-southeast-3", description: "Asia Pacific (Jakarta)", partition: "aws" },
    { name: "ap-southeast-4", description: "Asia Pacific (Melbourne)", partition: "aws" },
    { name: "ap-southeast-5", description: "Asia Pacific (Malaysia)", partition: "aws" },
    { name: "ap-southeast-6", description: "Asia Pacific (New Zealand)", partition: "aws" },
    { name: "ap-southeast-7", description: "Asia Pacific (Thailand)", partition: "aws" },
    { name: "ca-central-1", description: "Canada (Central)", partition: "aws" },
    { name: "ca-west-1", description: "Canada West (Calgary)", partition: "aws" },
    { name: "eu-central-1", description: "Europe (Frankfurt)", partition: "aws" },
    { name: "eu-central-2", description: "Europe (Zurich)", partition: "aws" },
    { name: "eu-north-1", description: "Europe (Stockholm)", partition: "aws" },
    { name: "eu-south-1", description: "Europe (Milan)", partition: "aws" },
    { name: "eu-south-2", description: "Europe (Spain)", partition: "aws" },
    { name: "eu-west-1", description: "Europe (Ireland)", partition: "aws" },
    { name: "eu-west-2", description: "Europe (London)", partition: "aws" },
    { name: "eu-west-3", description: "Europe (Paris)", partition: "aws" },
    { name: "il-central-1", description: "Israel (Tel Aviv)", partition: "aws" },
    { name: "me-central-1", description: "Middle East (UAE)", partition: "aws" },
    { name: "me-south-1", description: "Middle East (Bahrain)", partition: "aws" },
    { name: "mx-central-1", description: "Mexico (Central)", partition: "aws" },
    { name: "sa-east-1", description: "South America (Sao Paulo)", partition: "aws" },
    { name: "us-east-1", description: "US East (N. Virginia)", partition: "aws" },
    { name: "us-east-2", description: "US East (Ohio)", partition: "aws" },
    { name: "us-west-1", description: "US West (N. California)", partition: "aws" },
    { name: "us-west-2", description: "US West (Oregon)", partition: "aws" },
    { name: "cn-north-1", description: "China (Beijing)", partition: "aws-cn" },
    { name: "cn-northwest-1", description: "China (Ningxia)", partition: "aws-cn" },
    { name: "us-gov-east-1", description: "AWS GovCloud (US-East)", partition: "aws-us-gov" },
    { name: "us-gov-west-1", description: "AWS GovCloud (US-West)", partition: "aws-us-gov" },
    { name: "eusc-de-east-1", description: "AWS European Sovereign Cloud (Germany)", partition: "aws-eusc" },
];

export interface AzureRegion {
    /** The programmatic name (`location`). */
    readonly name: string;
    readonly displayName: string;
    /** Whether the region has availability zones (the platform spreads over 2-3 zones). */
    readonly zones: boolean;
    /** Access restricted to specific customer scenarios (request needed). */
    readonly restricted?: boolean;
}

/**
 * Azure public-cloud regions. Source: "Azure regions list"
 * (https://learn.microsoft.com/azure/reliability/regions-list; MicrosoftDocs/reliability-docs
 * articles/reliability/regions-list.md, ms.date 2025-09-23). Regions marked "coming soon"
 * there (Denmark East) are left out until they open.
 */
export const AZURE_REGIONS: readonly AzureRegion[] = [
    { name: "australiacentral", displayName: "Australia Central", zones: false },
    { name: "australiacentral2", displayName: "Australia Central 2", zones: false, restricted: true },
    { name: "australiaeast", displayName: "Australia East", zones: true },
    { name: "australiasoutheast", displayName: "Australia Southeast", zones: false },
    { name: "austriaeast", displayName: "Austria East", zones: true },
    { name: "belgiumcentral", displayName: "Belgium Central", zones: true },
    { name: "brazilsouth", displayName: "Brazil South", zones: true },
    { name: "brazilsoutheast", displayName: "Brazil Southeast", zones: false, restricted: true },
    { name: "canadacentral", displayName: "Canada Central", zones: true },
    { name: "canadaeast", displayName: "Canada East", zones: false },
    { name: "centralindia", displayName: "Central India", zones: true },
    { name: "centralus", displayName: "Central US", zones: true },
    { name: "chilecentral", displayName: "Chile Central", zones: true },
    { name: "eastasia", displayName: "East Asia", zones: true },
    { name: "eastus", displayName: "East US", zones: true },
    { name: "eastus2", displayName: "East US 2", zones: true },
    { name: "francecentral", displayName: "France Central", zones: true },
    { name: "francesouth", displayName: "France South", zones: false, restricted: true },
    { name: "germanynorth", displayName: "Germany North", zones: false, restricted: true },
    { name: "germanywestcentral", displayName: "Germany West Central", zones: true },
    { name: "indonesiacentral", displayName: "Indonesia Central", zones: true },
    { name: "israelcentral", displayName: "Israel Central", zones: true },
    { name: "italynorth", displayName: "Italy North", zones: true },
    { name: "japaneast", displayName: "Japan East", zones: true },
    { name: "japanwest", displayName: "Japan West", zones: true },
    { name: "koreacentral", displayName: "Korea Central", zones: true },
    { name: "koreasouth", displayName: "Korea South", zones: false },
    { name: "malaysiawest", displayName: "Malaysia West", zones: true },
    { name: "mexicocentral", displayName: "Mexico Central", zones: true },
    { name: "newzealandnorth", displayName: "New Zealand North", zones: true },
    { name: "northcentralus", displayName: "North Central US", zones: false },
    { name: "northeurope", displayName: "North Europe", zones: true },
    { name: "norwayeast", displayName: "Norway East", zones: true },
    { name: "norwaywest", displayName: "Norway West", zones: false, restricted: true },
    { name: "polandcentral", displayName: "Poland Central", zones: true },
    { name: "qatarcentral", displayName: "Qatar Central", zones: true },
    { name: "southafricanorth", displayName: "South Africa North", zones: true },
    { name: "southafricawest", displayName: "South Africa West", zones: false, restricted: true },
    { name: "southcentralus", displayName: "South Central US", zones: true },
    { name: "southindia", displayName: "South India", zones: false },
    { name: "southeastasia", displayName: "Southeast Asia", zones: true },
    { name: "spaincentral", displayName: "Spain Central", zones: true },
    { name: "swedencentral", displayName: "Sweden Central", zones: true },
    { name: "switzerlandnorth", displayName: "Switzerland North", zones: true },
    { name: "switzerlandwest", displayName: "Switzerland West", zones: false, restricted: true },
    { name: "uaecentral", displayName: "UAE Central", zones: false, restricted: true },
    { name: "uaenorth", displayName: "UAE North", zones: true },
    { name: "uksouth", displayName: "UK South", zones: true },
    { name: "ukwest", displayName: "UK West", zones: false },
    { name: "westcentralus", displayName: "West Central US", zones: false },
    { name: "westeurope", displayName: "West Europe", zones: true },
    { name: "westindia", displayName: "West India", zones: false },
    { name: "westus", displayName: "West US", zones: false },
    { name: "westus2", displayName: "West US 2", zones: true },
    { name: "westus3", displayName: "West US 3", zones: true },
];

export interface GcpRegion {
    readonly name: string;
    readonly location: string;
    /** The region's zones (full names), in the order the docs list them. */
    readonly zones: readonly string[];
}

const z = (region: string, ...suffixes: string[]): string[] => suffixes.map((s) => `${region}-${s}`);

/**
 * Google Cloud regions and their zones. Source: "Regions and zones"
 * (https://cloud.google.com/compute/docs/regions-zones#available), as of 2026-08; cross-checked
 * row by row against a `gcloud compute regions list` dump (the same 42 regions and zones) and
 * against GoogleCloudPlatform/region-picker data/regions.json (2025-08-11, 40 regions: it predates
 * europe-north2 and northamerica-south1). Zone letters are not always a, b, c (europe-west1 and
 * us-east1 start at b; us-central1 has f): never derive a zone name from a region.
 */
export const GCP_REGIONS: readonly GcpRegion[] = [
    { name: "africa-south1", location: "Johannesburg, South Africa", zones: z("africa-south1", "a", "b", "c") },
    { name: "asia-east1", location: "Changhua County, Taiwan", zones: z("asia-east1", "a", "b", "c") },
    { name: "asia-east2", location: "Hong Kong", zones: z("asia-east2", "a", "b", "c") },
    { name: "asia-northeast1", location: "Tokyo, Japan", zones: z("asia-northeast1", "a", "b", "c") },
    { name: "asia-northeast2", location: "Osaka, Japan", zones: z("asia-northeast2", "a", "b", "c") },
    { name: "asia-northeast3", location: "Seoul, South Korea", zones: z("asia-northeast3", "a", "b", "c") },
    { name: "asia-south1", location: "Mumbai, India", zones: z("asia-south1", "a", "b", "c") },
    { name: "asia-south2", location: "Delhi, India", zones: z("asia-south2", "a", "b", "c") },
    { name: "asia-southeast1", location: "Jurong West, Singapore", zones: z("asia-southeast1", "a", "b", "c") },
    { name: "asia-southeast2", location: "Jakarta, Indonesia", zones: z("asia-southeast2", "a", "b", "c") },
    { name: "australia-southeast1", location: "Sydney, Australia", zones: z("australia-southeast1", "a", "b", "c") },
    { name: "australia-southeast2", location: "Melbourne, Australia", zones: z("australia-southeast2", "a", "b", "c") },
    { name: "europe-central2", location: "Warsaw, Poland", zones: z("europe-central2", "a", "b", "c") },
    { name: "europe-north1", location: "Hamina, Finland", zones: z("europe-north1", "a", "b", "c") },
    { name: "europe-north2", location: "Stockholm, Sweden", zones: z("europe-north2", "a", "b", "c") },
    { name: "europe-southwest1", location: "Madrid, Spain", zones: z("europe-southwest1", "a", "b", "c") },
    { name: "europe-west1", location: "St. Ghislain, Belgium", zones: z("europe-west1", "b", "c", "d") },
    { name: "europe-west10", location: "Berlin, Germany", zones: z("europe-west10", "a", "b", "c") },
    { name: "europe-west12", location: "Turin, Italy", zones: z("europe-west12", "a", "b", "c") },
    { name: "europe-west2", location: "London, England", zones: z("europe-west2", "a", "b", "c") },
    { name: "europe-west3", location: "Frankfurt, Germany", zones: z("europe-west3", "a", "b", "c") },
    { name: "europe-west4", location: "Eemshaven, Netherlands", zones: z("europe-west4", "a", "b", "c") },
    { name: "europe-west6", location: "Zurich, Switzerland", zones: z("europe-west6", "a", "b", "c") },
    { name: "europe-west8", location: "Milan, Italy", zones: z("europe-west8", "a", "b", "c") },
    { name: "europe-west9", location: "Paris, France", zones: z("europe-west9", "a", "b", "c") },
    { name: "me-central1", location: "Doha, Qatar", zones: z("me-central1", "a", "b", "c") },
    { name: "me-central2", location: "Dammam, Saudi Arabia", zones: z("me-central2", "a", "b", "c") },
    { name: "me-west1", location: "Tel Aviv, Israel", zones: z("me-west1", "a", "b", "c") },
    { name: "northamerica-northeast1", location: "Montréal, Québec", zones: z("northamerica-northeast1", "a", "b", "c") },
    { name: "northamerica-northeast2", location: "Toronto, Ontario", zones: z("northamerica-northeast2", "a", "b", "c") },
    { name: "northamerica-south1", location: "Querétaro, Mexico", zones: z("northamerica-south1", "a", "b", "c") },
    { name: "southamerica-east1", location: "Osasco, São Paulo, Brazil", zones: z("southamerica-east1", "a", "b", "c") },
    { name: "southamerica-west1", location: "Santiago, Chile", zones: z("southamerica-west1", "a", "b", "c") },
    { name: "us-central1", location: "Council Bluffs, Iowa", zones: z("us-central1", "a", "b", "c", "f") },
    { name: "us-east1", location: "Moncks Corner, South Carolina", zones: z("us-east1", "b", "c", "d") },
    { name: "us-east4", location: "Ashburn, Virginia", zones: z("us-east4", "a", "b", "c") },
    { name: "us-east5", location: "Columbus, Ohio", zones: z("us-east5", "a", "b", "c") },
    { name: "us-south1", location: "Dallas, Texas", zones: z("us-south1", "a", "b", "c") },
    { name: "us-west1", location: "The Dalles, Oregon", zones: z("us-west1", "a", "b", "c") },
    { name: "us-west2", location: "Los Angeles, California", zones: z("us-west2", "a", "b", "c") },
    { name: "us-west3", location: "Salt Lake City, Utah", zones: z("us-west3", "a", "b", "c") },
    { name: "us-west4", location: "Las Vegas, Nevada", zones: z("us-west4", "a", "b", "c") },
];

/** Every region name of a cloud. */
export function regionNames(cloud: Cloud): readonly string[] {
    switch (cloud) {
        case "aws":
            return AWS_REGIONS.map((r) => r.name);
        case "azure":
            return AZURE_REGIONS.map((r) => r.name);
        case "gcp":
            return GCP_REGIONS.map((r) => r.name);
        default: {
            const impossible: never = cloud;
            throw new Error(`no region table for cloud ${String(impossible)}`);
        }
    }
}

export function isKnownRegion(cloud: Cloud, region: string): boolean {
    return regionNames(cloud).includes(region);
}

/** The zones of a GCP region (undefined for an unknown region). */
export function gcpZonesOf(region: string): readonly string[] | undefined {
    return GCP_REGIONS.find((r) => r.name === region)?.zones;
}

function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

/** The `count` valid names closest to `name` (edit distance, then alphabetical). */
export function nearestRegions(cloud: Cloud, name: string, count = 3): string[] {
    const lower = name.toLowerCase();
    return [...regionNames(cloud)]
        .map((r) => ({ r, d: editDistance(lower, r) }))
        .sort((x, y) => x.d - y.d || x.r.localeCompare(y.r))
        .slice(0, count)
        .map((x) => x.r);
}
