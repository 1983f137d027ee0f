/** Visual templates the render worker knows. The seed offered these two and never validated them. */
export interface Template {
  readonly id: TemplateId;
  readonly label: string;
  readonly description: string;
}

export const TEMPLATE_IDS = ["flame", "mist"] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export const TEMPLATES: Readonly<Record<TemplateId, Template>> = {
  flame: { id: "flame", label: "Ethereal Flame", description: "Warm, rising fire that breathes with the audio." },
  mist: { id: "mist", label: "Ethereal Mist", description: "Soft, cool drifting mist that swells with the audio." },
};

export function isTemplateId(value: string): value is TemplateId {
  return (TEMPLATE_IDS as readonly string[]).includes(value);
}
