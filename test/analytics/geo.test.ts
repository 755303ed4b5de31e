import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CountryDatabase, countryOf, GEO_ATTRIBUTION, loadCountryDatabase, UNKNOWN_COUNTRY } from "../../server/adapters/geo.ts";

describe("countryOf (DB-IP Lite, offline)", () => {
  beforeAll(async () => {
    await loadCountryDatabase();
  });

  // Addresses whose country is long-standing and agrees between DB-IP and MaxMind GeoLite2.
  it.each([
    ["8.8.8.8", "US"], // Google
    ["196.203.76.1", "TN"], // Tunisie Telecom
    ["193.95.66.10", "TN"], // ATI, Tunis
    ["41.248.1.1", "MA"], // Maroc Telecom
    ["41.96.1.1", "DZ"], // Algérie Télécom
    ["80.10.1.1", "FR"], // Orange
    ["::ffff:80.10.1.1", "FR"], // IPv4-mapped
    ["2a01:cb00::1", "FR"], // Orange
    ["2c0f:f698::1", "TN"],
    ["2600:1700::1", "US"], // AT&T
  ])("%s → %s", (ip, country) => {
    expect(countryOf(ip)).toBe(country);
  });

  it.each(["10.0.0.1", "192.168.1.20", "127.0.0.1", "::1", "fe80::1%eth0", "not-an-ip", ""])("%j is unknown (ZZ)", (ip) => {
    expect(countryOf(ip)).toBe(UNKNOWN_COUNTRY);
  });

  it("attributes DB-IP as its CC BY 4.0 licence requires", () => {
    expect(GEO_ATTRIBUTION).toMatchObject({ text: "IP Geolocation by DB-IP", url: "https://db-ip.com", licence: "CC BY 4.0" });
  });
});

describe("CountryDatabase parsing", () => {
  const ipv4 = Buffer.from("16777216,16777471,AU\n16777472,16778239,CN\n3232235520,3232235775,XX\n");
  const ipv6 = Buffer.from("2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,US\n2001:db8:1::,2001:db8:1:ff:ffff:ffff:ffff:ffff,TN\n2a01:cb00::,2a01:cb00:ffff:ffff:ffff:ffff:ffff:ffff,FR");

  it("looks up both families, with gaps being unknown", () => {
    const db = CountryDatabase.fromCsv(ipv4, ipv6);
    expect(db.rangeCount).toBe(6);
    expect(db.countryOf("1.0.0.0")).toBe("AU");
    expect(db.countryOf("1.0.0.255")).toBe("AU");
    expect(db.countryOf("1.0.1.0")).toBe("CN");
    expect(db.countryOf("1.0.4.0")).toBe("ZZ");
    expect(db.countryOf("0.255.255.255")).toBe("ZZ");
    expect(db.countryOf("192.168.0.9")).toBe("XX");
    expect(db.countryOf("2001:0:1::5")).toBe("US");
    expect(db.countryOf("2001:db8:1:42::1")).toBe("TN");
    expect(db.countryOf("2001:db8:1:100::1")).toBe("ZZ");
    expect(db.countryOf("2001:db8:0:ffff::1")).toBe("ZZ");
    expect(db.countryOf("2a01:cb00:12:34::1")).toBe("FR");
    expect(db.countryOf("2a01:cb01::1")).toBe("ZZ");
  });

  it("reads files piece by piece (1 MiB reads) to the same tables as from memory, whatever the line breaks", () => {
    // 40,000 IPv4 lines (~1.1 MB, so pieces end mid-line), and an IPv6 file without its last newline.
    const lines = Array.from({ length: 40_000 }, (_, k) => `${k * 1000},${k * 1000 + 999},${k % 2 ? "TN" : "MA"}`);
    const ipv4Text = Buffer.from(lines.join("\n") + "\n");
    const dir = mkdtempSync(path.join(os.tmpdir(), "sada-geo-"));
    try {
      writeFileSync(path.join(dir, "v4.csv"), ipv4Text);
      writeFileSync(path.join(dir, "v6.csv"), ipv6);
      const fromFiles = CountryDatabase.fromCsv(path.join(dir, "v4.csv"), path.join(dir, "v6.csv"));
      const fromMemory = CountryDatabase.fromCsv(ipv4Text, ipv6);
      expect(fromFiles.rangeCount).toBe(40_003);
      expect(fromFiles.sizeBytes).toBe(fromMemory.sizeBytes);
      for (const k of [0, 1, 1234, 36_000, 39_999]) {
        const ip = [24, 16, 8, 0].map((shift) => ((k * 1000 + 500) >>> shift) & 255).join(".");
        expect(fromFiles.countryOf(ip)).toBe(k % 2 ? "TN" : "MA");
      }
      expect(fromFiles.countryOf("2a01:cb00:12:34::1")).toBe("FR");
      expect(fromFiles.countryOf("40.0.0.0")).toBe(fromMemory.countryOf("40.0.0.0"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses data that is out of order", () => {
    expect(() => CountryDatabase.fromCsv(Buffer.from("20,30,AU\n10,15,CN\n"), Buffer.from(""))).toThrow(/out of order/);
  });
});
