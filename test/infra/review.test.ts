import { Match } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/index.js';
import { REVIEW_TABLE_ACTIONS } from '../../infra/stacks/review-stack.js';
import { ROLES } from '../../shared/review/types.js';
import {
  actionsOf,
  flat,
  only,
  resourcesOf,
  resourcesOfStatement,
  synthEnv,
  type Statement,
  type SynthesizedEnv,
} from './synth.js';

// One synth for the whole file: synthesizing an environment takes tens of seconds here.
const dev = loadConfig('dev');
let env: SynthesizedEnv;
beforeAll(() => {
  env = synthEnv('dev');
}, 300_000);

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const review = () =>
  env.review.toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };
const ofType = (type: string) => Object.entries(review().Resources).filter(([, r]) => r.Type === type);
const idOf = (type: string, prefix: string) => {
  const found = ofType(type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  return found[0]![0];
};

const reviewFunction = () => {
  const id = idOf('AWS::Lambda::Function', 'ReviewApiHandler');
  return { id, props: review().Resources[id]!.Properties };
};

/** Every statement of the review function's role (its default policy and the tracing policy). */
const reviewStatements = (): Statement[] => {
  const role = idOf('AWS::IAM::Role', 'ReviewApiRole');
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === role))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};

describe('review HTTP API', () => {
  it('sends both routes to the review function, and only those', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(['ANY /review/{proxy+}', 'GET /documents/{documentId}/raw']);
    const integration = only(env.review, 'AWS::ApiGatewayV2::Integration').resource.Properties!;
    expect(integration).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [reviewFunction().id, 'Arn'] },
    });
  });

  it('puts every route behind the Cognito JWT authorizer', () => {
    const authorizer = only(env.review, 'AWS::ApiGatewayV2::Authorizer');
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, route] of routes) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizer.id });
    }
    const pool = idOf('AWS::Cognito::UserPool', 'ReviewersUserPool');
    expect(authorizer.resource.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [
          { Ref: idOf('AWS::Cognito::UserPoolClient', 'ReviewersUserPoolWebClient') },
          { Ref: idOf('AWS::Cognito::UserPoolClient', 'ReviewersUserPoolCliClient') },
        ],
      },
    });
    expect(
      flat(
        (authorizer.resource.Properties as { JwtConfiguration: { Issuer: unknown } }).JwtConfiguration.Issuer,
      ),
    ).toBe(`https://cognito-idp.<AWS::Region>.amazonaws.com/<${pool}>`);
  });

  it('serves a throttled $default stage that writes JSON access logs to its own log group', () => {
    const stage = only(env.review, 'AWS::ApiGatewayV2::Stage').resource.Properties as Record<string, unknown>;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: dev.review.throttle.rateLimit,
        ThrottlingBurstLimit: dev.review.throttle.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [idOf('AWS::Logs::LogGroup', 'HttpApiAccessLogs'), 'Arn'] },
      },
    });
    const format = JSON.parse((stage.AccessLogSettings as { Format: string }).Format) as Record<
      string,
      string
    >;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('outputs ReviewApiUrl (the CLI URL), the console URL, the pool and client ids', () => {
    const outputs = review().Outputs;
    for (const name of [
      'ReviewApiUrl',
      'ConsoleUrl',
      'UserPoolId',
      'WebClientId',
      'CliClientId',
      'HostedUiUrl',
      'ReviewEventBusName',
    ])
      expect(outputs).toHaveProperty(name);
    const api = idOf('AWS::ApiGatewayV2::Api', 'HttpApi');
    expect(flat(outputs.ReviewApiUrl!.Value)).toBe(
      `https://<${api}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/`,
    );
    expect(flat(outputs.ConsoleUrl!.Value)).toBe(
      `https://<${idOf('AWS::CloudFront::Distribution', 'Console')}.DomainName>/`,
    );
  });
});

describe('review function', () => {
  it('runs with the API sizing and the review environment', () => {
    const { props } = reviewFunction();
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      MemorySize: dev.api.memorySize,
      Timeout: dev.api.timeoutSeconds,
      TracingConfig: { Mode: 'Active' },
    });
    const vars = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'review-api',
      LEASE_SECONDS: String(dev.review.leaseSeconds),
      DOCUMENT_LINKS: 'presigned',
      EVENT_BUS_NAME: { Ref: idOf('AWS::Events::EventBus', 'ReviewEvents') },
    });
    expect(flat(vars.TABLE_NAME)).toMatch(/^<import ManifestIntake-dev-Storage:/);
    expect(flat(vars.RAW_BUCKET)).toBe('manifest-intake-dev-raw-<AWS::AccountId>-<AWS::Region>');
  });

  it('has least privilege on the table: named data-plane actions on the table and its indexes', () => {
    const dynamo = reviewStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect([...actionsOf(dynamo[0]!)].sort()).toEqual([...REVIEW_TABLE_ACTIONS].sort());
    for (const forbidden of ['dynamodb:*', 'dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
      expect(actionsOf(dynamo[0]!)).not.toContain(forbidden);
    expect(resourcesOfStatement(dynamo[0]!).map(flat)).toEqual([
      '<import ManifestIntake-dev-TableArn>',
      '<import ManifestIntake-dev-TableArn>/index/*',
    ]);
    // The named export is the storage stack's table.
    const exported = Object.values(
      (env.storage.toJSON() as { Outputs: Record<string, { Value: unknown; Export?: { Name: string } }> })
        .Outputs,
    ).find((o) => o.Export?.Name === 'ManifestIntake-dev-TableArn');
    expect(exported?.Value).toEqual({ 'Fn::GetAtt': [only(env.storage, 'AWS::DynamoDB::Table').id, 'Arn'] });
  });

  it('may put events on the review bus, take work from the review queue, presign downloads of uploads, and use the data key: nothing more', () => {
    const all = reviewStatements();
    for (const s of all) {
      expect(s.Effect).toBe('Allow');
      for (const a of actionsOf(s)) expect(a).not.toContain('*');
      if (resourcesOfStatement(s).includes('*'))
        expect(actionsOf(s).every((a) => a.startsWith('xray:'))).toBe(true);
    }
    const services = new Set(all.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'events', 'kms', 'logs', 's3', 'sqs', 'xray']);

    const sqsStatements = all.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqsStatements).toHaveLength(1);
    expect(actionsOf(sqsStatements[0]!).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(resourcesOfStatement(sqsStatements[0]!)).toEqual([
      { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'ReviewQueue'), 'Arn'] },
    ]);

    const put = all.filter((s) => actionsOf(s).includes('events:PutEvents'));
    expect(put).toHaveLength(1);
    expect(resourcesOfStatement(put[0]!)).toEqual([
      { 'Fn::GetAtt': [idOf('AWS::Events::EventBus', 'ReviewEvents'), 'Arn'] },
    ]);

    const s3 = all.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => ({ actions: actionsOf(s), resources: resourcesOfStatement(s).map(flat) }))).toEqual([
      {
        actions: ['s3:GetObject'],
        resources: [
          'arn:<AWS::Partition>:s3:::manifest-intake-dev-raw-<AWS::AccountId>-<AWS::Region>/incoming/*',
        ],
      },
    ]);

    const kms = all.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect([...actionsOf(kms[0]!)].sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(flat(resourcesOfStatement(kms[0]!)[0])).toMatch(
      /^<import ManifestIntake-dev-Storage:ExportsOutputFnGetAttDataKey/,
    );
  });
});

describe('review events', () => {
  it('has a bus named per environment, with an archive', () => {
    const bus = only(env.review, 'AWS::Events::EventBus');
    expect(bus.resource.Properties).toMatchObject({ Name: 'manifest-intake-dev-review' });
    const archive = only(env.review, 'AWS::Events::Archive').resource.Properties as Record<string, unknown>;
    expect(archive).toMatchObject({
      SourceArn: { 'Fn::GetAtt': [bus.id, 'Arn'] },
      RetentionDays: dev.review.eventArchiveDays,
    });
  });
});

describe('sign-in (Cognito)', () => {
  const pool = () => review().Resources[idOf('AWS::Cognito::UserPool', 'ReviewersUserPool')]!.Properties;
  const client = (prefix: string) =>
    review().Resources[idOf('AWS::Cognito::UserPoolClient', prefix)]!.Properties;

  it('has one group per role, named as the API reads them', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
    expect(groups.sort()).toEqual(['carrier', 'ops', 'reviewer', 'supervisor']);
  });

  it('admits users only by invitation, with a strong password, TOTP MFA and enforced threat protection', () => {
    expect(pool()).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    env.review.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: dev.review.authDomainPrefix });
  });

  it('gives the web console the code flow (PKCE, no secret) back to the distribution only', () => {
    const web = client('ReviewersUserPoolWebClient');
    expect(web).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    const distribution = idOf('AWS::CloudFront::Distribution', 'Console');
    expect((web.CallbackURLs as unknown[]).map(flat)).toEqual([`https://<${distribution}.DomainName>/`]);
  });

  it('gives the CLI SRP sign-in without a secret and without OAuth', () => {
    const cli = client('ReviewersUserPoolCliClient');
    expect(cli).toMatchObject({ GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: false });
    expect((cli.ExplicitAuthFlows as string[]).sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(cli.CallbackURLs).toBeUndefined();
  });

  it('lets no client write custom:carrierId (only administrators assign a carrier)', () => {
    for (const prefix of ['ReviewersUserPoolWebClient', 'ReviewersUserPoolCliClient']) {
      const write = client(prefix).WriteAttributes as string[] | undefined;
      expect(write).toBeDefined();
      expect(write).not.toContain('custom:carrierId');
    }
  });
});

describe('web console hosting', () => {
  const bucketId = () => idOf('AWS::S3::Bucket', 'ConsoleBucket');
  const distribution = () =>
    (
      review().Resources[idOf('AWS::CloudFront::Distribution', 'Console')]!.Properties as {
        DistributionConfig: Record<string, unknown>;
      }
    ).DistributionConfig;

  it('keeps the console bucket private, encrypted, versioned, logged and TLS-only', () => {
    const props = review().Resources[bucketId()]!.Properties;
    expect(props).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf('AWS::S3::Bucket', 'ConsoleLogs') } },
    });
    expect(props.WebsiteConfiguration).toBeUndefined();
  });

  it('lets only this distribution read the bucket (Origin Access Control), nobody anonymously', () => {
    const policy = ofType('AWS::S3::BucketPolicy').find(
      ([, p]) => (p.Properties.Bucket as { Ref: string }).Ref === bucketId(),
    );
    const statements = (
      policy![1].Properties.PolicyDocument as { Statement: (Statement & { Principal: unknown })[] }
    ).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    const reads = allows.filter((s) => actionsOf(s).includes('s3:GetObject'));
    expect(reads).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(
      flat(
        (reads[0]!.Condition as { StringEquals: { 'AWS:SourceArn': unknown } }).StringEquals['AWS:SourceArn'],
      ),
    ).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${idOf('AWS::CloudFront::Distribution', 'Console')}>`,
    );
    // Besides CloudFront, only CDK's auto-delete provider (dev) is allowed anything, by role ARN.
    for (const s of allows) expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"/);
    for (const s of statements.filter((x) => x.Effect === 'Deny')) expect(s.Condition).toBeDefined();

    const oac = only(env.review, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.resource.Properties).toMatchObject({
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const origins = distribution().Origins as {
      Id: string;
      DomainName: unknown;
      OriginAccessControlId?: unknown;
      S3OriginConfig?: unknown;
    }[];
    const s3Origin = origins.find((o) => flat(o.DomainName) === `<${bucketId()}.RegionalDomainName>`);
    expect(s3Origin).toMatchObject({
      OriginAccessControlId: { 'Fn::GetAtt': [oac.id, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  it('serves index.html over HTTPS with a strict Content-Security-Policy and security headers', () => {
    const config = distribution();
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
      Logging: { Bucket: { 'Fn::GetAtt': [idOf('AWS::S3::Bucket', 'ConsoleLogs'), 'RegionalDomainName'] } },
    });
    // An error page rewrite would turn the API's 403/404 into the console page.
    expect(config.CustomErrorResponses).toBeUndefined();
    const headers = only(env.review, 'AWS::CloudFront::ResponseHeadersPolicy');
    const security = (
      headers.resource.Properties as {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
      }
    ).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = flat(security.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(csp.startsWith("default-src 'self';")).toBe(true);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp).toContain(
      `connect-src 'self' https://<${idOf('AWS::Cognito::UserPoolDomain', 'ReviewersUserPoolHostedUi')}>.auth.<AWS::Region>.amazoncognito.com`,
    );
    expect(security).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 31_536_000,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY' },
    });
    const policyRef = { Ref: headers.id };
    expect((config.DefaultCacheBehavior as Record<string, unknown>).ResponseHeadersPolicyId).toEqual(
      policyRef,
    );
  });

  it.each(['/review/*', '/documents/*'])(
    'routes %s to the HTTP API, uncached, forwarding Authorization (all viewer headers but Host)',
    (pattern) => {
      const config = distribution();
      const behavior = (config.CacheBehaviors as Record<string, unknown>[]).find(
        (b) => b.PathPattern === pattern,
      );
      expect(behavior).toMatchObject({
        CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId:
          cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'POST']),
      });
      const origin = (
        config.Origins as { Id: string; DomainName: unknown; CustomOriginConfig?: unknown }[]
      ).find((o) => o.Id === behavior!.TargetOriginId)!;
      // The host of https://<api>.execute-api.<region>.amazonaws.com
      expect(origin.DomainName).toEqual({
        'Fn::Select': [
          2,
          {
            'Fn::Split': ['/', { 'Fn::GetAtt': [idOf('AWS::ApiGatewayV2::Api', 'HttpApi'), 'ApiEndpoint'] }],
          },
        ],
      });
      expect(origin.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
    },
  );

  it('deploys the console built by web/build.ts, plus its config.json, and invalidates the cache', () => {
    const deployment = only(env.review, 'Custom::CDKBucketDeployment').resource.Properties as {
      SourceObjectKeys: string[];
      DestinationBucketName: unknown;
      DistributionPaths: string[];
      SourceMarkers: Record<string, unknown>[];
    };
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: bucketId() },
      DistributionPaths: ['/*'],
    });
    const [consoleKey, configKey] = deployment.SourceObjectKeys.map((k) => k.replace(/\.zip$/, ''));
    const built = join(env.outdir, `asset.${consoleKey}`);
    for (const f of ['index.html', 'app.js', 'app.css']) expect(existsSync(join(built, f))).toBe(true);
    expect(readFileSync(join(built, 'index.html'), 'utf8')).toContain('<script type="module" src="app.js">');
    const config = JSON.parse(
      readFileSync(join(env.outdir, `asset.${configKey}`, 'config.json'), 'utf8'),
    ) as Record<string, string>;
    expect(Object.keys(config).sort()).toEqual([
      'authUrl',
      'clientId',
      'redirectUri',
      'region',
      'userPoolId',
    ]);
    // Token values are filled in at deployment (markers), e.g. the web client id.
    expect(Object.values(deployment.SourceMarkers[1]!)).toContainEqual({
      Ref: idOf('AWS::Cognito::UserPoolClient', 'ReviewersUserPoolWebClient'),
    });
  });
});

describe('review alarms', () => {
  const alarms = () =>
    Object.values(resourcesOf(env.observability, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, unknown>,
    );

  it('alarm on review function errors and API 5xx', () => {
    const errors = alarms().filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    expect(errors.map((a) => flat((a.Dimensions as { Value: unknown }[])[0]!.Value))).toEqual(
      expect.arrayContaining([expect.stringMatching(/ReviewApiHandler/)]),
    );
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: expect.anything() }],
      }),
    );
  });

  it.each(['OutboxFlushFailures', 'ApiServerErrors'])(
    'alarm on the custom metric %s of review-api',
    (name) => {
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          Namespace: 'ManifestIntake',
          MetricName: name,
          Dimensions: [{ Name: 'service', Value: 'review-api' }],
          Statistic: 'Sum',
          Threshold: 1,
          AlarmActions: [{ Ref: only(env.observability, 'AWS::SNS::Topic').id }],
        }),
      );
    },
  );
});

describe('data retention', () => {
  it('removes dev sign-in and logs with the stack, and protects nothing it need not', () => {
    const pool = review().Resources[idOf('AWS::Cognito::UserPool', 'ReviewersUserPool')]!;
    expect(pool.DeletionPolicy).toBe('Delete');
    expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
    env.review.hasResource('AWS::Logs::LogGroup', Match.objectLike({ DeletionPolicy: 'Delete' }));
  });
});
