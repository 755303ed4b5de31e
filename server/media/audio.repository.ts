import type { Prisma, PrismaClient } from "../adapters/database.ts";
import type { RenditionKind } from "./audio-pipeline.ts";

type Tx = Prisma.TransactionClient;

export interface NewRendition {
  kind: RenditionKind;
  storageKey: string;
  mimeType: string;
  bitrateKbps: number;
  bytes: number;
  sha256: string;
  durationSeconds: number;
  id3HeaderBytes: number;
}

export interface AudioFigures {
  durationSeconds: number;
  inputLufs: number | null;
  outputLufs: number | null;
  truePeakDbtp: number | null;
}

/**
 * All database access of the audio pipeline. Writes made on behalf of a job are conditional on the
 * variant's audioVersion: once a newer upload is accepted, the older job can no longer touch the
 * variant.
 */
export class AudioRepository {
  constructor(private readonly prisma: PrismaClient) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findVariant(id: string) {
    return this.prisma.episodeVariant.findUnique({ where: { id }, select: { id: true, audioVersion: true } });
  }

  /** The variant with what its ID3 tags and storage keys need. */
  findVariantForProcessing(id: string) {
    return this.prisma.episodeVariant.findUnique({
      where: { id },
      include: {
        episode: { include: { show: { include: { localizations: true } } } },
        renditions: true,
      },
    });
  }

  /** A new upload supersedes whatever came before: next version, queued, no error. Returns the version. */
  async startNewVersion(tx: Tx, variantId: string): Promise<number> {
    const variant = await tx.episodeVariant.update({
      where: { id: variantId },
      data: { audioVersion: { increment: 1 }, audioStatus: "queued", audioProgress: 0, audioErrorCode: null, audioErrorMessage: null },
      select: { audioVersion: true },
    });
    return variant.audioVersion;
  }

  private async updateVersion(variantId: string, audioVersion: number, data: Prisma.EpisodeVariantUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.episodeVariant.updateMany({ where: { id: variantId, audioVersion }, data });
    return count === 1;
  }

  markProcessing(variantId: string, audioVersion: number) {
    return this.updateVersion(variantId, audioVersion, { audioStatus: "processing", audioProgress: 0 });
  }

  setProgress(variantId: string, audioVersion: number, progress: number) {
    return this.updateVersion(variantId, audioVersion, { audioProgress: progress });
  }

  markQueued(variantId: string, audioVersion: number) {
    return this.updateVersion(variantId, audioVersion, { audioStatus: "queued", audioProgress: 0 });
  }

  /** The renditions from before stay: the previous audio remains what listeners get. */
  markFailed(variantId: string, audioVersion: number, code: string, message: string) {
    return this.updateVersion(variantId, audioVersion, { audioStatus: "failed", audioProgress: 0, audioErrorCode: code, audioErrorMessage: message });
  }

  /**
   * Swaps the variant's renditions for the new ones and records the figures, in the caller's
   * transaction. Returns the replaced renditions (their files are to be deleted after the commit),
   * or null when a newer upload superseded this version (nothing written).
   */
  async replaceRenditions(tx: Tx, variantId: string, audioVersion: number, figures: AudioFigures, renditions: NewRendition[]) {
    const { count } = await tx.episodeVariant.updateMany({
      where: { id: variantId, audioVersion },
      data: { audioStatus: "ready", audioProgress: 100, audioErrorCode: null, audioErrorMessage: null, ...figures },
    });
    if (count !== 1) return null;
    const previous = await tx.rendition.findMany({ where: { variantId } });
    await tx.rendition.deleteMany({ where: { variantId } });
    await tx.rendition.createMany({ data: renditions.map((r) => ({ ...r, variantId })) });
    return previous;
  }
}
