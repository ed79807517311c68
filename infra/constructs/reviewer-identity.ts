import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, type Role } from '../../shared/review/types.js';
import { resourcePrefix, type EnvironmentConfig } from '../config/index.js';

export interface ReviewerIdentityProps {
  config: EnvironmentConfig;
}

/** Tokens live one working hour; a refresh token lasts a shift. */
const TOKEN_VALIDITY = {
  idTokenValidity: Duration.hours(1),
  accessTokenValidity: Duration.hours(1),
  refreshTokenValidity: Duration.hours(12),
};

/**
 * Who may review: a Cognito user pool with one group per role (`carrier`, `reviewer`,
 * `supervisor`, `ops`: the API reads `cognito:groups`), administrators create the users (no
 * self sign-up), TOTP MFA is required and threat protection is enforced (Plus plan). Two app
 * clients, neither with a secret: the web console (authorization code + PKCE through the hosted
 * UI) and the `intake` CLI (SRP).
 */
export class ReviewerIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly groups: Record<Role, cognito.UserPoolGroup>;
  readonly cliClient: cognito.UserPoolClient;
  private web?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ReviewerIdentityProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${resourcePrefix(config)}-users`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // The carrier a `carrier` user files for (read by shared/review/identity.ts). Set by
      // administrators only: no app client may write it.
      customAttributes: { carrierId: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Reviewers see names, addresses and decisions that stop cargo: a password alone is not enough.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const descriptions: Record<Role, string> = {
      carrier: 'Files manifests for one carrier (custom:carrierId); never reaches review endpoints',
      reviewer: 'Claims, inspects and decides flagged consignments',
      supervisor: 'Watches the queue; reassigns and reopens items, on record',
      ops: 'Operates the system: queue statistics and health, no decisions',
    };
    this.groups = Object.fromEntries(
      ROLES.map((role) => [
        role,
        this.userPool.addGroup(`Group-${role}`, { groupName: role, description: descriptions[role] }),
      ]),
    ) as Record<Role, cognito.UserPoolGroup>;

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: config.review.authDomainPrefix },
    });

    this.cliClient = this.userPool.addClient('CliClient', {
      userPoolClientName: 'intake-cli',
      generateSecret: false,
      authFlows: { userSrp: true },
      // No OAuth: without this CDK would enable the implicit and code flows with a placeholder URL.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      ...TOKEN_VALIDITY,
    });
  }

  /** The web console's client: authorization code + PKCE through the hosted UI, back to `consoleUrl`. */
  addWebClient(consoleUrl: string): cognito.UserPoolClient {
    if (this.web) throw new Error('the web client exists already');
    this.web = this.userPool.addClient('WebClient', {
      userPoolClientName: 'web-console',
      generateSecret: false,
      // Hosted UI only: the console never handles a password.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      ...TOKEN_VALIDITY,
    });
    return this.web;
  }

  get webClient(): cognito.UserPoolClient {
    if (!this.web) throw new Error('addWebClient first');
    return this.web;
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  get hostedUiUrl(): string {
    return this.domain.baseUrl();
  }
}
