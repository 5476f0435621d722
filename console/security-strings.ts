// The strings of signing in without a passkey and of the Security page, in English and Canadian French.
const en = {
  otherWays: 'No passkey at hand?',
  email: 'Work email',
  appCode: 'Code from your authenticator app',
  appCodeButton: 'Sign in with the code',
  recoveryCode: 'Recovery code',
  recoveryButton: 'Sign in with a recovery code',
  codeRefused: 'That did not work: check the address and the code (each code works once).',
  heading: 'Security',
  passkeyOn: 'You sign in with your passkey.',
  appOn: 'Authenticator app: on. Its codes and your recovery codes let you in when your passkey is not at hand.',
  appOff: 'Authenticator app: off. Set one up so you can still sign in if your passkey is not at hand.',
  setUp: 'Set up an authenticator app',
  setUpAgain: 'Set up the app again (new recovery codes)',
  scan: 'Add this account to your authenticator app with the key below (or open the link on your phone), then type the six digits it shows.',
  key: 'Key',
  openInApp: 'Open in the authenticator app',
  confirm: 'Turn on',
  wrongCode: 'Not the code the app shows now. Try the next one.',
  codesHeading: 'Your recovery codes',
  codesIntro: 'Each works once, when neither your passkey nor your app is at hand. Keep them somewhere safe: they are shown only now.',
  download: 'Download the codes',
};

export type SecurityStrings = typeof en;

const fr: SecurityStrings = {
  otherWays: 'Pas de clé d’accès sous la main\u00a0?',
  email: 'Adresse courriel professionnelle',
  appCode: 'Code de votre application d’authentification',
  appCodeButton: 'Me connecter avec le code',
  recoveryCode: 'Code de récupération',
  recoveryButton: 'Me connecter avec un code de récupération',
  codeRefused: 'Cela n’a pas fonctionné\u00a0: vérifiez l’adresse et le code (chaque code ne sert qu’une fois).',
  heading: 'Sécurité',
  passkeyOn: 'Vous vous connectez avec votre clé d’accès.',
  appOn: 'Application d’authentification\u00a0: activée. Ses codes et vos codes de récupération vous permettent d’entrer quand votre clé d’accès n’est pas sous la main.',
  appOff: 'Application d’authentification\u00a0: désactivée. Configurez-en une pour pouvoir vous connecter même sans votre clé d’accès.',
  setUp: 'Configurer une application d’authentification',
  setUpAgain: 'Configurer l’application de nouveau (nouveaux codes de récupération)',
  scan: 'Ajoutez ce compte à votre application d’authentification avec la clé ci-dessous (ou ouvrez le lien sur votre téléphone), puis tapez les six chiffres qu’elle affiche.',
  key: 'Clé',
  openInApp: 'Ouvrir dans l’application d’authentification',
  confirm: 'Activer',
  wrongCode: 'Ce n’est pas le code affiché en ce moment. Essayez le suivant.',
  codesHeading: 'Vos codes de récupération',
  codesIntro: 'Chacun sert une seule fois, quand ni votre clé d’accès ni votre application ne sont sous la main. Gardez-les en lieu sûr\u00a0: ils ne sont affichés que maintenant.',
  download: 'Télécharger les codes',
};

export const SECURITY_STRINGS = { en, fr } as const;
