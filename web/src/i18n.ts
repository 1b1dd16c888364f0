// Every string of the web app, in English and French. Problem codes from the API
// (see docs/api.md) have their own entries so errors read naturally in both.
export type Lang = 'en' | 'fr';
export const langs: Lang[] = ['en', 'fr'];

const en = {
  title: 'Tribune',
  tagline: 'The community where customers, partners and staff help each other.',
  language: 'Language',
  signInTitle: 'Sign in or join',
  signInIntro: 'Enter your email address. We will send you a link to sign in, or to create your account if you are new.',
  emailLabel: 'Email address',
  emailHint: 'For example: ann@example.com',
  send: 'Email me a link',
  continueWith: (name: string) => `Continue with ${name}`,
  or: 'or',
  sending: 'Sending…',
  checkTitle: 'Check your email',
  checkBody: (email: string) => `We sent a sign-in link to ${email}. It works once, within 15 minutes.`,
  checkAgain: 'Use another address',
  greeting: (name: string) => `Welcome, ${name}!`,
  signedInAs: (email: string) => `You are signed in as ${email}.`,
  signOut: 'Sign out',
  loading: 'Loading…',
  errors: {
    invalid_email: 'Enter a valid email address, like ann@example.com.',
    rate_limited: 'Too many requests. Wait a few minutes, then try again.',
    link_invalid: 'That sign-in link is not valid. Ask for a new one below.',
    link_used: 'That sign-in link has already been used. Ask for a new one below.',
    link_expired: 'That sign-in link has expired. Ask for a new one below.',
    mail_unavailable: 'We could not send the email. Try again in a moment.',
    network: 'Tribune cannot be reached. Check your connection and try again.',
    internal: 'Something went wrong on our side. Try again later.',
    oauth_state_mismatch: 'The sign-in could not be completed (it expired or was started in another window). Try again.',
    oauth_denied: 'The sign-in was cancelled at the provider.',
    oauth_exchange_failed: 'The provider did not confirm the sign-in. Try again.',
    oauth_bad_token: 'The provider’s answer could not be verified. Try again.',
    email_unverified: 'Your account with this provider has no verified email address. Verify it there, or use your email below.',
    email_missing: 'The provider did not share your email address. Allow it, or use your email below.',
    unknown_provider: 'This sign-in option is not available.',
    account_banned: 'This account has been banned from the community.',
    account_suspended: 'This account is suspended for now.',
    account_inactive: 'This account cannot sign in.',
  } as Record<string, string>,
};

type Strings = typeof en;

const fr: Strings = {
  title: 'Tribune',
  tagline: 'La communauté où clients, partenaires et équipes s’entraident.',
  language: 'Langue',
  signInTitle: 'Se connecter ou rejoindre',
  signInIntro: 'Saisissez votre adresse email. Nous vous enverrons un lien pour vous connecter, ou pour créer votre compte si vous êtes nouveau.',
  emailLabel: 'Adresse email',
  emailHint: 'Par exemple : ann@example.com',
  send: 'Recevoir un lien',
  continueWith: (name: string) => `Continuer avec ${name}`,
  or: 'ou',
  sending: 'Envoi…',
  checkTitle: 'Consultez vos emails',
  checkBody: (email: string) => `Nous avons envoyé un lien de connexion à ${email}. Il fonctionne une seule fois, pendant 15 minutes.`,
  checkAgain: 'Utiliser une autre adresse',
  greeting: (name: string) => `Bienvenue, ${name} !`,
  signedInAs: (email: string) => `Vous êtes connecté en tant que ${email}.`,
  signOut: 'Se déconnecter',
  loading: 'Chargement…',
  errors: {
    invalid_email: 'Saisissez une adresse email valide, comme ann@example.com.',
    rate_limited: 'Trop de demandes. Patientez quelques minutes puis réessayez.',
    link_invalid: 'Ce lien de connexion n’est pas valide. Demandez-en un nouveau ci-dessous.',
    link_used: 'Ce lien de connexion a déjà été utilisé. Demandez-en un nouveau ci-dessous.',
    link_expired: 'Ce lien de connexion a expiré. Demandez-en un nouveau ci-dessous.',
    mail_unavailable: 'Nous n’avons pas pu envoyer l’email. Réessayez dans un instant.',
    network: 'Tribune est injoignable. Vérifiez votre connexion et réessayez.',
    internal: 'Un problème est survenu de notre côté. Réessayez plus tard.',
    oauth_state_mismatch: 'La connexion n’a pas pu aboutir (elle a expiré ou a été lancée dans une autre fenêtre). Réessayez.',
    oauth_denied: 'La connexion a été annulée chez le fournisseur.',
    oauth_exchange_failed: 'Le fournisseur n’a pas confirmé la connexion. Réessayez.',
    oauth_bad_token: 'La réponse du fournisseur n’a pas pu être vérifiée. Réessayez.',
    email_unverified: 'Votre compte chez ce fournisseur n’a pas d’adresse email vérifiée. Vérifiez-la chez lui, ou utilisez votre email ci-dessous.',
    email_missing: 'Le fournisseur n’a pas partagé votre adresse email. Autorisez-le, ou utilisez votre email ci-dessous.',
    unknown_provider: 'Cette option de connexion n’est pas disponible.',
    account_banned: 'Ce compte a été banni de la communauté.',
    account_suspended: 'Ce compte est suspendu pour le moment.',
    account_inactive: 'Ce compte ne peut pas se connecter.',
  },
};

export const strings: Record<Lang, Strings> = { en, fr };

const storageKey = 'tribune.lang';

// initialLang: the saved choice, else the browser's first supported language, else English.
export function initialLang(): Lang {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'en' || saved === 'fr') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

export function saveLang(l: Lang) {
  localStorage.setItem(storageKey, l);
  document.documentElement.lang = l;
}

export function errorText(s: Strings, code: string): string {
  return s.errors[code] ?? s.errors.internal;
}
