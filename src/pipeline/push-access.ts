/**
 * Before anything is built: every repository the build pushes to must accept a push with the
 * credentials this run has (an upload is started and cancelled), or the step fails now, naming
 * the image, the registry and the inputs to set, instead of after the whole build.
 */
import * as core from '@actions/core';
import { imageName, repoOf } from '../oci/reference';
import { RegistryWriter } from '../registry/registry';

async function refusal(client: RegistryWriter, image: string): Promise<string | undefined> {
  try {
    await client.checkPushAccess(repoOf(image));
    return undefined;
  } catch (e) {
    const { registry } = repoOf(image);
    return (
      `pushing to ${imageName(repoOf(image))} would be refused (${(e as Error).message}); give credentials for ${registry} ` +
      `(username and password, with registry: ${registry}), or log in to it before this step`
    );
  }
}

export async function checkPushAccess(client: RegistryWriter, images: string[], consequence = 'nothing was built'): Promise<void> {
  const refused = (await Promise.all(images.map(image => refusal(client, image)))).filter((r): r is string => r !== undefined);
  if (refused.length > 0) throw new Error(`${refused.join('; ')}; ${consequence}`);
  core.info(`Push access checked: ${images.join(', ')}`);
}
