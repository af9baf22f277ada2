/**
 * The locations the emulator serves (Cloud Tasks' ListLocations and GetLocation): its own
 * location (--location, the app's CLOUD_TASKS_LOCATION) and every location that holds a queue
 * of the project. gcloud without --location calls ListLocations first and takes the first one.
 */
import type { QueueRecord } from './model.js';

export interface LocationResource {
  /** projects/P/locations/L */
  name: string;
  locationId: string;
  /** As Google labels a location; gcloud reads the region from the first label. */
  labels: { 'cloud.googleapis.com/region': string };
}

export function locationsOf(project: string, homeLocation: string, queues: QueueRecord[]): LocationResource[] {
  const prefix = `projects/${project}/locations/`;
  const ids = new Set([homeLocation]);
  for (const queue of queues) {
    if (queue.name.startsWith(prefix)) ids.add(queue.name.slice(prefix.length).split('/')[0]);
  }
  return [...ids].map((locationId) => ({
    name: `${prefix}${locationId}`,
    locationId,
    labels: { 'cloud.googleapis.com/region': locationId },
  }));
}

/**
 * App Engine Admin's apps.get (`GET /v1/apps/P`), answered for the emulator's location: gcloud
 * picks a Cloud Tasks location by itself (no --location) only when the project has an App Engine
 * app, and asks at api_endpoint_overrides/appengine. Only this one call; nothing else of App Engine.
 */
export function appEngineApp(project: string, homeLocation: string): Record<string, unknown> {
  return { name: `apps/${project}`, id: project, locationId: homeLocation, servingStatus: 'SERVING' };
}
