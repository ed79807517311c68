import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/index.js';
import { acknowledgeBucketDeployment } from './bucket-deployment-nag.js';
import { PROJECT_ROOT } from './service-function.js';

/** Paths CloudFront hands to the review HTTP API instead of the console bucket. */
export const API_PATH_PATTERNS = ['/review/*', '/documents/*'] as const;

export interface WebConsoleProps {
  config: EnvironmentConfig;
  /** Host name of the HTTP API's default endpoint (`<id>.execute-api.<region>.amazonaws.com`). */
  apiDomain: string;
  /** Hosted-UI origin the console exchanges its authorization code with (CSP connect-src). */
  authOrigin: string;
}

/**
 * The console's strict policy: everything from this origin (no inline script or style: see
 * web/build.ts), token calls to the hosted UI only, never framed.
 */
export function contentSecurityPolicy(authOrigin: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${authOrigin}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/**
 * The console built by web/build.ts into the asset folder, on this machine: never Docker (the
 * image is a placeholder that local bundling always pre-empts). The asset hash is the output's,
 * so a change anywhere the console imports from (web/, shared/) is a new deployment.
 */
export function consoleSource(): s3deploy.ISource {
  return s3deploy.Source.asset(join(PROJECT_ROOT, 'web'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('none'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', join('web', 'build.ts'), '--out', outputDir], {
            cwd: PROJECT_ROOT,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          return true;
        },
      },
    },
  });
}

/**
 * The reviewer console in the cloud: a private bucket served only through CloudFront (Origin
 * Access Control), strict security headers, and the review API under the same origin
 * (`/review/*`, `/documents/*`, never cached, Authorization forwarded) so the console needs no
 * CORS.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  private readonly config: EnvironmentConfig;
  private deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;
    // Rebuilt from the repository on every deployment: only prod keeps old copies and logs.
    const disposable = !config.retainData;
    const removal = {
      removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: disposable,
    };

    // CloudFront standard logs are delivered with an ACL, so this bucket keeps ACLs enabled
    // (owner preferred); it also takes the console bucket's server access logs.
    this.logBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'expire-logs', expiration: Duration.days(config.rawBucket.accessLogExpirationDays) },
      ],
      ...removal,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log target of the console bucket and CloudFront; logging its own access would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
      ...removal,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${config.project} ${config.envName}: console security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.authOrigin),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const api: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.apiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Never cached; with caching disabled this policy forwards Authorization (and all else but Host).
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headers,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${config.project} ${config.envName}: review console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((p) => [p, api])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America (the US–Mexico corridor) and Europe.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      // No errorResponses: rewriting 403/404 to index.html would also hide the API's errors.
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: reviewers and partner agencies work from both sides of the US–Mexico border and travel; every API call is authenticated (Cognito JWT, MFA) and the console holds no data.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL yet (one for CloudFront must live in us-east-1): the console is static, and the API behind it needs a Cognito JWT and is throttled per stage. Add a web ACL with the custom domain.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the minimum viewer TLS version; a custom domain with an ACM certificate and TLSv1.2_2021 lifts this.',
    });
  }

  /** Uploads the built console plus `config.json` (what the console needs to sign in) and invalidates the cache. */
  deploy(runtimeConfig: Record<string, string>): s3deploy.BucketDeployment {
    if (this.deployment) throw new Error('the console is deployed already');
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [consoleSource(), s3deploy.Source.jsonData('config.json', runtimeConfig)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      // Names are stable (app.js, not content-hashed): browsers revalidate instead of guessing.
      cacheControl: [s3deploy.CacheControl.noCache()],
      logGroup: new logs.LogGroup(this, 'DeploymentLogs', {
        retention: this.config.logRetentionDays as logs.RetentionDays,
        removalPolicy: this.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      }),
    });
    acknowledgeBucketDeployment(
      this.deployment,
      this.bucket,
      'the built console into the console bucket',
      true,
    );
    return this.deployment;
  }
}
