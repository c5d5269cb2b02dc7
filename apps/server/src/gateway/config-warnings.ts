import type { GatewayConfig } from '@auth/config';

/**
 * What a valid config still gets wrong for production, one line each, naming the key to set; `auth-server
 * check` prints them and `serve` logs them at warn (docs/architecture.md#secrets-at-rest).
 */
export function configWarnings(config: GatewayConfig): string[] {
  const warnings: string[] = [];
  if (config.storage.type === 'redis' && config.storage.encryptionKey === undefined) {
    warnings.push(
      'WARNING: storage.encryption_key_env (or storage.encryption_key_file) is not set: upstream access and ' +
        'refresh tokens are stored in Redis in clear; set it to a 32-byte key (openssl rand -base64 32)',
    );
  }
  if (
    config.storage.type === 'redis' &&
    config.storage.sentinel !== undefined &&
    config.storage.waitForReplicas === 0
  ) {
    warnings.push(
      'WARNING: storage.wait_for_replicas is 0 with Sentinel: logins completed just before a failover are lost ' +
        '(the promoted replica never had them); set it to 1 (docs/deployment.md#surviving-a-sentinel-failover)',
    );
  }
  return warnings;
}
