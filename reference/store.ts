// In-memory state: projects -> images -> tags (insertion-ordered key -> value).
import type { ReferenceSeed } from './seed.js';

export class Store {
  private readonly images = new Map<string, { projectId: string; tags: Map<string, string> }>();

  constructor(seed: ReferenceSeed, preexisting: Record<string, string> = {}) {
    this.images.set(seed.imageId, { projectId: seed.projectId, tags: new Map(Object.entries(preexisting)) });
    this.images.set(seed.otherImageId, { projectId: seed.projectId, tags: new Map() });
    this.images.set(seed.otherProjectImageId, { projectId: seed.otherProjectId, tags: new Map() });
  }

  /** The image's tags when it belongs to the project (any project when projectId is undefined). */
  tags(projectId: string | undefined, imageId: string): Map<string, string> | undefined {
    const image = this.images.get(imageId);
    if (!image || (projectId !== undefined && image.projectId !== projectId)) return undefined;
    return image.tags;
  }

  projectOf(imageId: string): string | undefined {
    return this.images.get(imageId)?.projectId;
  }

  /** Every image of a project, for the mutant that deletes a key everywhere. */
  imagesOf(projectId: string): Map<string, string>[] {
    return [...this.images.values()].filter((i) => i.projectId === projectId).map((i) => i.tags);
  }

  /** Finds the image by id in any project: the cross-project mutant ignores the path's project. */
  anyImage(imageId: string): Map<string, string> | undefined {
    return this.images.get(imageId)?.tags;
  }
}
