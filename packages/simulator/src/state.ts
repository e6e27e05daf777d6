/** Everything the simulated server knows, shared by all handlers. */
import { type Clock, isoUtc } from "./clock.js";
import type { Random } from "./random.js";
import { AssetStore } from "./stores/asset-store.js";
import { BarcodeStore } from "./stores/barcode-store.js";
import { ExportStore } from "./stores/export-store.js";
import { ProductStore } from "./stores/product-store.js";
import { ReportStore } from "./stores/report-store.js";
import { SerialNumberStore } from "./stores/serial-number-store.js";
import { SoftwareStore } from "./stores/software-store.js";
import { SystemStore } from "./stores/system-store.js";
import { TicketStore } from "./stores/ticket-store.js";
import { UnitStore } from "./stores/unit-store.js";
import { UserStore } from "./stores/user-store.js";

export class SimState {
  readonly random: Random;
  readonly clock: Clock;
  readonly reports = new ReportStore();
  readonly products: ProductStore;
  readonly units = new UnitStore();
  readonly assets: AssetStore;
  readonly software: SoftwareStore;
  readonly tickets: TicketStore;
  readonly serialNumbers = new SerialNumberStore();
  readonly system = new SystemStore();
  readonly users: UserStore;
  readonly barcodes = new BarcodeStore();
  readonly exports = new ExportStore();
  /** The version string `GET /api/App/Version` answers. */
  readonly version = "2025.1.0.0";

  constructor(random: Random, clock: Clock) {
    this.random = random;
    this.clock = clock;
    this.products = new ProductStore(random);
    this.assets = new AssetStore(random);
    this.software = new SoftwareStore(random);
    this.tickets = new TicketStore(random);
    this.users = new UserStore(random);
  }

  now(): number {
    return this.clock.now();
  }

  /** The current time as ISO UTC text. */
  nowIso(): string {
    return isoUtc(this.clock.now());
  }
}
